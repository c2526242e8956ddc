import { describe, expect, it } from 'vitest';
import { parseImage } from '../../../src/cloud/image-ref.js';

const D = 'sha256:' + 'ab'.repeat(32);

describe('an image URI taken apart', () => {
  it('an ECR tag: account, region, repository with slashes, tag', () => {
    expect(parseImage('123456789012.dkr.ecr.eu-west-1.amazonaws.com/navralabs/aep-backend:1.4.0')).toEqual({
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/navralabs/aep-backend:1.4.0',
      tag: '1.4.0',
      ecr: { registryId: '123456789012', region: 'eu-west-1', repository: 'navralabs/aep-backend' },
    });
  });

  it('pinned by digest: the digest, and no lookup needed', () => {
    const ref = parseImage(`123456789012.dkr.ecr.us-east-1.amazonaws.com/web@${D}`);
    expect(ref.digest).toBe(D);
    expect(ref.tag).toBeUndefined();
  });

  it('no tag reads as latest; another registry is not ECR (a port in the host is not a tag)', () => {
    expect(parseImage('123456789012.dkr.ecr.us-east-1.amazonaws.com/web')).toMatchObject({ tag: 'latest', ecr: { repository: 'web' } });
    const other = parseImage('registry.example:5000/team/app:2');
    expect(other).toMatchObject({ tag: '2' });
    expect(other.ecr).toBeUndefined();
    expect(parseImage('public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29').ecr).toBeUndefined();
  });
});
