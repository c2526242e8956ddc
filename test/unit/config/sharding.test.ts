import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/load.js';

describe('sharding in keelson.yaml', () => {
  it('defaults to one shard: one lease for every Release, as without sharding', () => {
    expect(parseConfig('', 'keelson.yaml', {}).sharding).toEqual({ shards: 1 });
  });

  it('takes a shard count with DynamoDB state', () => {
    const config = parseConfig('state: {dynamodb: {table: keelson-state}}\nsharding: {shards: 16}\n', 'keelson.yaml', {});
    expect(config.sharding).toEqual({ shards: 16 });
  });

  it('refuses more than one shard with a folder state store, whose leases stay on one machine', () => {
    const refuse = (): unknown => parseConfig('state: {dir: {path: .keelson}}\nsharding: {shards: 4}\n', 'keelson.yaml', {});
    expect(refuse).toThrow(ConfigError);
    expect(refuse).toThrow(/sharding\.shards: shards: 4 needs state: dynamodb; the leases of a dir state store are not shared between machines/);
  });

  it('refuses a shard count that is not a whole number of at least 1', () => {
    expect(() => parseConfig('state: {dynamodb: {table: t}}\nsharding: {shards: 0}\n', 'keelson.yaml', {})).toThrow(ConfigError);
    expect(() => parseConfig('state: {dynamodb: {table: t}}\nsharding: {shards: 2.5}\n', 'keelson.yaml', {})).toThrow(ConfigError);
  });
});
