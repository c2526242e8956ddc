// The simulated Amazon ECR: repositories whose tags name image digests, read with DescribeImages.
// As https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html says: an
// imageIds entry names a tag or a digest; an unknown repository is RepositoryNotFoundException, an
// unknown tag ImageNotFoundException; registryId defaults to the caller's account.
import { CloudError } from '../cloud/errors.js';
import type { RegistryImage } from '../cloud/ports.js';
import type { SimContext } from './context.js';

export interface SimRepository {
  name: string;
  registryId: string;
  /** A tag names exactly one image at a time (ECR moves a tag on push). */
  images: { digest: string; tags: string[]; pushedAt: number }[];
}

export class RegistryModel {
  readonly repositories = new Map<string, SimRepository>();

  constructor(private readonly ctx: SimContext) {}

  add(name: string, registryId: string | undefined, images: { digest: string; tags?: string[] }[], now: number): void {
    const repo: SimRepository = { name, registryId: registryId ?? this.ctx.account, images: [] };
    this.repositories.set(`${repo.registryId}/${name}`, repo);
    for (const image of images) this.push(repo, image.digest, image.tags ?? [], now);
  }

  /** Pushing an image under a tag takes the tag off the image that had it. */
  push(repo: SimRepository, digest: string, tags: string[], now: number): void {
    for (const other of repo.images) other.tags = other.tags.filter((t) => !tags.includes(t));
    const existing = repo.images.find((i) => i.digest === digest);
    if (existing) existing.tags = [...new Set([...existing.tags, ...tags])];
    else repo.images.push({ digest, tags: [...tags], pushedAt: now });
  }

  describeImageByTag(repository: string, tag: string, registryId: string | undefined): RegistryImage {
    const registry = registryId ?? this.ctx.account;
    const repo = this.repositories.get(`${registry}/${repository}`);
    const site = { service: 'ecr', operation: 'DescribeImages' };
    if (!repo) {
      throw new CloudError('NotFound', `ecr DescribeImages: RepositoryNotFoundException: The repository with name '${repository}' does not exist in the registry with id '${registry}'`, {
        ...site,
        awsCode: 'RepositoryNotFoundException',
      });
    }
    const image = repo.images.find((i) => i.tags.includes(tag));
    if (!image) {
      throw new CloudError('NotFound', `ecr DescribeImages: ImageNotFoundException: The image with imageId {imageTag:'${tag}'} does not exist within the repository with name '${repository}'`, {
        ...site,
        awsCode: 'ImageNotFoundException',
      });
    }
    return { digest: image.digest, tags: [...image.tags], pushedAt: image.pushedAt };
  }
}
