// One figure of the bench in a process of its own, so that its peak memory is its own and no
// figure inherits another's heap or JIT state. Prints its result as the last line on stdout,
// after a marker (the local stack's logger also writes to stdout).
//
//   npx tsx bench/figure.ts <engine|ingest|close|finance|report|bundles|cli-start|cli-send|export> '<options as JSON>' [profile dir]
import { benchBundles } from './bundles.ts';
import { benchCliSend } from './cli-send.ts';
import { benchCliStart } from './cli-start.ts';
import { benchClose } from './close.ts';
import { benchEngine } from './engine.ts';
import { benchExport } from './export.ts';
import { benchFinanceApi, benchMonthReport } from './finance-api.ts';
import { benchIngest } from './ingest.ts';
import { peakRssMb, RESULT_MARKER } from './measure.ts';
import { setProfileDir } from './profile.ts';

const FIGURES = {
  engine: benchEngine,
  ingest: benchIngest,
  close: benchClose,
  finance: benchFinanceApi,
  report: benchMonthReport,
  bundles: benchBundles,
  'cli-start': benchCliStart,
  'cli-send': benchCliSend,
  export: benchExport,
} as const;
type FigureName = keyof typeof FIGURES;

async function main(): Promise<void> {
  const [name, optionsJson = '{}', profileDir] = process.argv.slice(2);
  const run = FIGURES[name as FigureName] as ((options: never) => Promise<object>) | undefined;
  if (!run) throw new Error(`unknown figure ${name}; one of ${Object.keys(FIGURES).join(', ')}`);
  setProfileDir(profileDir || undefined);
  const result = await run(JSON.parse(optionsJson) as never);
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify({ ...result, processPeakRssMb: peakRssMb() })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
