// RegistryPort on Amazon ECR: a tag resolved to the digest it names now (DescribeImages).
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { CloudError } from '../errors.js';
import type { RegistryImage, RegistryPort } from '../ports.js';
import type { AwsCall } from './call.js';

export class AwsRegistry implements RegistryPort {
  constructor(
    private readonly client: ECRClient,
    private readonly call: AwsCall,
  ) {}

  async describeImageByTag(repository: string, tag: string, registryId?: string): Promise<RegistryImage> {
    const out = await this.call('DescribeImages', () =>
      this.client.send(
        new DescribeImagesCommand({
          repositoryName: repository,
          imageIds: [{ imageTag: tag }],
          ...(registryId !== undefined ? { registryId } : {}),
        }),
      ),
    );
    const detail = out.imageDetails?.[0];
    // ECR answers an unknown tag with ImageNotFoundException; an empty answer means the same.
    if (!detail?.imageDigest) {
      throw new CloudError('NotFound', `ecr DescribeImages: no image tagged ${tag} in ${repository}`, { service: 'ecr', operation: 'DescribeImages' });
    }
    return {
      digest: detail.imageDigest,
      tags: detail.imageTags ?? [],
      ...(detail.imagePushedAt ? { pushedAt: detail.imagePushedAt.getTime() } : {}),
    };
  }
}
