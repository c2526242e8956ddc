// An image URI taken apart: where it lives (an ECR repository, or elsewhere), its tag, its digest.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-pull-ecr-image.html names ECR images
// `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>` or `...@sha256:<digest>`.

export interface ImageRef {
  image: string;
  /** `sha256:<hex>` when the image is pinned by digest. */
  digest?: string;
  /** The tag, when not pinned; `latest` when the image names neither (as Docker reads it). */
  tag?: string;
  /** Set for a private ECR repository. */
  ecr?: { registryId: string; region: string; repository: string };
}

const DIGEST = /@(sha256:[0-9a-f]{64})$/;
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

export function parseImage(image: string): ImageRef {
  const pinned = DIGEST.exec(image);
  const withoutDigest = pinned ? image.slice(0, pinned.index) : image;
  const slash = withoutDigest.indexOf('/');
  const host = slash > 0 ? withoutDigest.slice(0, slash) : '';
  const path = slash > 0 ? withoutDigest.slice(slash + 1) : withoutDigest;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : undefined;
  const repository = colon >= 0 ? path.slice(0, path.length - lastSegment.length + colon) : path;
  const ecrHost = ECR_HOST.exec(host);
  return {
    image,
    ...(pinned ? { digest: pinned[1] as string } : { tag: tag ?? 'latest' }),
    ...(ecrHost ? { ecr: { registryId: ecrHost[1] as string, region: ecrHost[2] as string, repository } } : {}),
  };
}

/** `sha256:ab12cd34…`: enough of a digest for a sentence. */
export function shortDigest(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}
