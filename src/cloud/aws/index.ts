// The AWS implementation of the cloud ports.
export { createAwsCloud, createAwsClients, awsPorts, AWS_DEFAULTS } from './config.js';
export type { AwsCloudOptions, AwsClients } from './config.js';
export type { AwsCallRecord, OnAwsCall } from './call.js';
