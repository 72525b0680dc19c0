/**
 * Which AWS region a signed request is for, read from its SigV4 credential scope
 * (`AKID/YYYYMMDD/<region>/<service>/aws4_request`): the `Credential=` of the Authorization
 * header, or the `X-Amz-Credential` query parameter of a presigned request. The local fault
 * proxy loses a region by this answer; everything here is pure.
 */

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  /** The region the request was signed for. */
  region: string;
  service: string;
}

/**
 * Services with one global endpoint that AWS serves from us-east-1, signed for us-east-1:
 * Route 53 ("specify us-east-1 as the Region", Amazon Route 53 endpoints and quotas) and IAM
 * (the global endpoint iam.amazonaws.com). Against a custom endpoint SDK v3 signs them with the
 * client's own region instead (measured: a Route 53 client in eu-west-1 signs
 * `.../eu-west-1/route53/aws4_request`), so the scope alone would put them in the wrong region.
 * STS is not here: SDK v3 defaults to the regional endpoint (`sts_regional_endpoints = regional`,
 * AWS SDKs and Tools reference guide), so an STS call lives in the region it is signed for.
 */
export const GLOBAL_SERVICE_REGIONS: Readonly<Record<string, string>> = {
  route53: "us-east-1",
  iam: "us-east-1",
};

const SCOPE = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;

/** Parses `AKID/YYYYMMDD/region/service/aws4_request`; undefined for anything else. */
export function parseScope(credential: string): CredentialScope | undefined {
  const m = SCOPE.exec(credential.trim());
  if (!m) return undefined;
  const [, accessKeyId, date, region, service] = m as unknown as [string, string, string, string, string];
  return { accessKeyId, date, region, service };
}

/**
 * The credential scope of a request: from `Authorization: AWS4-HMAC-SHA256 Credential=...,`
 * or, for a presigned URL, from its `X-Amz-Credential` query parameter. Undefined when the
 * request is not SigV4-signed (the emulator's own /moto-api, for example).
 */
export function requestScope(authorization: string | undefined, url: string): CredentialScope | undefined {
  const header = authorization ? /Credential=([^,\s]+)/.exec(authorization)?.[1] : undefined;
  if (header) return parseScope(header);
  const query = url.indexOf("?");
  if (query < 0) return undefined;
  const credential = new URLSearchParams(url.slice(query + 1)).get("X-Amz-Credential");
  return credential ? parseScope(credential) : undefined;
}

/** The region that serves a request with this scope: the scope's own, or us-east-1 for a global service. */
export function servingRegion(scope: CredentialScope): string {
  return GLOBAL_SERVICE_REGIONS[scope.service] ?? scope.region;
}
