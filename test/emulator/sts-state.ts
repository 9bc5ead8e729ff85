// What the emulator's STS knows (providers, roles) and has issued; IoT Video asks it for the
// temporary keys it accepts.
import { randomBytes } from "node:crypto";
import { ApiError } from "./api-error.js";
import {
  DEFAULT_DURATION_SECONDS,
  EXPIRED_TOKEN,
  GITHUB_ISSUER,
  MAX_DURATION_SECONDS,
  NOT_TRUSTED,
  PARAM_ERROR,
  ROLE_NOT_FOUND,
  SESSION_NAME,
  TMP_SECRET_ID_PREFIX,
} from "./sts-assumptions.js";
import { verifyJwt, type VerifiedClaims } from "./sts-jwt.js";
import type { IssuedCredentials, StsOptions, StsRole } from "./types.js";

/** AssumeRoleWithWebIdentity's parameters, type-checked. */
export interface AssumeParams {
  ProviderId: string;
  WebIdentityToken: string;
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds?: number;
}

const paramError = (why: string) => new ApiError(PARAM_ERROR, why);

function matches(pattern: string, value: string): boolean {
  const escaped = pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`).test(value);
}

function checkTrust(role: StsRole, arn: string, providerId: string, verified: VerifiedClaims) {
  if (role.providers !== undefined && !role.providers.includes(providerId)) {
    throw new ApiError(
      NOT_TRUSTED,
      `The trust policy of ${arn} does not name provider ${providerId}.`,
    );
  }
  if (role.subjects !== undefined && !role.subjects.some((p) => matches(p, verified.sub))) {
    throw new ApiError(
      NOT_TRUSTED,
      `The trust policy of ${arn} does not allow sub ${verified.sub}.`,
    );
  }
}

const secret = (bytes: number) => randomBytes(bytes).toString("base64url");

/** STS's side of the emulator. */
export class StsState {
  readonly issued: IssuedCredentials[] = [];
  private options: StsOptions;

  constructor(options: StsOptions | undefined) {
    this.options = options ?? { providers: {}, roles: {} };
  }

  configure(options: StsOptions): void {
    this.options = options;
  }

  /** Verifies the token and the role's trust, then issues keys; throws what STS would answer. */
  assume(p: AssumeParams, nowSeconds: number): Record<string, unknown> {
    const provider = this.options.providers[p.ProviderId];
    if (provider === undefined) throw paramError(`ProviderId ${p.ProviderId} does not exist.`);
    const verified = verifyJwt(p.WebIdentityToken, {
      publicKeys: provider.publicKeys,
      issuer: provider.issuer ?? GITHUB_ISSUER,
      clientIds: provider.clientIds,
      nowSeconds,
    });
    const role = Object.hasOwn(this.options.roles, p.RoleArn)
      ? this.options.roles[p.RoleArn]
      : undefined;
    if (role === undefined) throw new ApiError(ROLE_NOT_FOUND, `Role ${p.RoleArn} does not exist.`);
    checkTrust(role, p.RoleArn, p.ProviderId, verified);
    if (!SESSION_NAME.test(p.RoleSessionName)) {
      throw paramError(`RoleSessionName ${p.RoleSessionName} does not match [\\w+=,.@-]{2,128}.`);
    }
    const duration = p.DurationSeconds ?? DEFAULT_DURATION_SECONDS;
    const longest = role.maxSessionDuration ?? MAX_DURATION_SECONDS;
    if (duration < 1 || duration > longest) {
      throw paramError(`DurationSeconds ${duration} is outside 1-${longest}.`);
    }
    const expiredTime = nowSeconds + (this.options.lifetimeSeconds ?? duration);
    const keys: IssuedCredentials = {
      secretId: `${TMP_SECRET_ID_PREFIX}${secret(18)}`,
      secretKey: secret(24),
      token: secret(96),
      expiredTime,
      roleArn: p.RoleArn,
      roleSessionName: p.RoleSessionName,
      providerId: p.ProviderId,
      durationSeconds: duration,
      subject: verified.sub,
      audience: verified.aud,
    };
    this.issued.push(keys);
    return {
      Credentials: { Token: keys.token, TmpSecretId: keys.secretId, TmpSecretKey: keys.secretKey },
      ExpiredTime: expiredTime,
      Expiration: new Date(expiredTime * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
  }

  /** The key and token of issued keys; throws once they have expired. */
  keyFor(secretId: string, nowSeconds: number): { secretKey: string; token: string } | undefined {
    const keys = this.issued.find((k) => k.secretId === secretId);
    if (keys === undefined) return undefined;
    if (nowSeconds >= keys.expiredTime) {
      throw new ApiError(EXPIRED_TOKEN, "The temporary credentials have expired.");
    }
    return keys;
  }
}
