// The finance API of contract §3: one GET method per path, each IAM-authorized, all proxied to
// the statements handler; and the read-only policy (with a role carrying it) that finance is
// granted to call them. The role exists only for a principal the stage config names: trusting
// the account root would let anyone of the account allowed sts:AssumeRole on it in.
import { Duration } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { ArnPrincipal, ManagedPolicy, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeRule, acknowledgeWildcardResource } from '../compliance.ts';

export interface FinanceApiProps {
  handler: IFunction;
  prefix: string;
  logRetention: RetentionDays;
  /** Stage config: the role or user that may assume the read-only role; none, no role. */
  financePrincipalArn?: string;
  /** Stage config: let this stack set API Gateway's account-wide CloudWatch Logs role (default: no). */
  apiGatewayCloudWatchRole?: boolean;
}

export const FINANCE_API_STAGE = 'v1';

export class FinanceApi extends Construct {
  readonly api: RestApi;
  readonly methods: Method[] = [];
  readonly readOnlyPolicy: ManagedPolicy;
  readonly readOnlyRole: Role | undefined;

  constructor(scope: Construct, id: string, props: FinanceApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.api = new RestApi(this, 'Api', {
      restApiName: `${props.prefix}-finance`,
      description: 'Finance API: closed statements and monthly reports, read-only, IAM-authorized',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // API Gateway writes execution and access logs only with the account-level role of the
      // region (AWS::ApiGateway::Account): a setting of the whole account, so this stack sets it
      // only when told to (docs/deploy.md); otherwise it must be set there already.
      cloudWatchRole: props.apiGatewayCloudWatchRole ?? false,
      deployOptions: {
        stageName: FINANCE_API_STAGE,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        // Request and response bodies stay out of the logs: statements are customer data.
        dataTraceEnabled: false,
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
      },
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
    });
    const validator = new RequestValidator(this, 'RequestValidator', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const integration = new LambdaIntegration(props.handler, { allowTestInvoke: false });
    // Query parameters are declared optional: the handler, not API Gateway, refuses a missing
    // or malformed one, with the contract's JSON error.
    const get = (resource: IResource, pathParameters: string[], queryParameters: string[] = []) => {
      const requestParameters = Object.fromEntries([
        ...pathParameters.map((name) => [`method.request.path.${name}`, true]),
        ...queryParameters.map((name) => [`method.request.querystring.${name}`, false]),
      ]);
      this.methods.push(resource.addMethod('GET', integration, { requestValidator: validator, requestParameters }));
    };
    const customers = this.api.root.addResource('customers');
    get(customers, [], ['prefix', 'limit']);
    const customer = customers.addResource('{customerId}');
    get(customer.addResource('open'), ['customerId']);
    const statements = customer.addResource('statements');
    get(statements, ['customerId']);
    get(statements.addResource('{month}'), ['customerId', 'month']);
    const report = this.api.root.addResource('reports').addResource('{month}');
    get(report, ['month']);
    get(report.addResource('entries.csv'), ['month']);

    const methodArns = this.methods.map((method) => method.methodArn);
    this.readOnlyPolicy = new ManagedPolicy(this, 'ReadOnlyPolicy', {
      description: `Calls the ${props.prefix} finance API (GET statements, reports and customers), nothing else`,
      statements: [new PolicyStatement({ actions: ['execute-api:Invoke'], resources: methodArns })],
    });
    // Only a path with a parameter has a * in its ARN (`/customers`, the search, has none).
    for (const method of this.methods.filter((m) => m.resource.path.includes('{'))) {
      acknowledgeWildcardResource(
        this.readOnlyPolicy,
        method.methodArn,
        'The * stands for a path parameter (customer id or month) of one GET method: IAM matches execute-api resources against the request path, so a parameter can only be a wildcard.',
      );
    }
    this.readOnlyRole = props.financePrincipalArn
      ? new Role(this, 'ReadOnlyRole', {
          assumedBy: new ArnPrincipal(props.financePrincipalArn),
          description: `Finance: read statements and reports through the ${props.prefix} finance API`,
          managedPolicies: [this.readOnlyPolicy],
          maxSessionDuration: Duration.hours(1),
        })
      : undefined;

    if (props.apiGatewayCloudWatchRole)
      acknowledgeRule(
        this.api,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        "The account-level role API Gateway needs to write logs; AWS's managed policy for it is the documented one and holds only CloudWatch Logs actions.",
      );
    acknowledgeRule(
      this.api,
      'AwsSolutions-APIG3',
      'Every method requires SigV4 (IAM) from finance principals, and the stage is throttled: WAF rules would filter traffic that IAM already rejects before the integration runs.',
    );
    acknowledgeRule(
      this.api,
      'AwsSolutions-COG4',
      'The contract fixes IAM authentication for the finance API; its callers are IAM principals of finance, not user-pool users.',
    );
  }
}
