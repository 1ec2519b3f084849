// Structured JSON logs. Log ids (customerId, eventId, claimId) and outcomes only: never an
// event's detail, which may hold a birth date or payment method.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'device-supply-billing' });
