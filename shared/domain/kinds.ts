// The kinds of ledger entry and the tax classes (contract §3, rules §6), apart from the
// aggregate's types so that policy.ts can give each kind its tax class without importing them.
export const ENTRY_KINDS = [
  'device_lump_sum',
  'device_installment',
  'installment_payoff',
  'protection_fee',
  'exchange_fee',
  'late_return_penalty',
  'loaner_charge',
  'reexchange_charge',
  'loaner_repair_charge',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
export const TAX_CLASSES = ['taxable-10', 'non-taxable'] as const;
export type TaxClass = (typeof TAX_CLASSES)[number];
