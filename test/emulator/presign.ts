// Pre-signed upload URLs, standing in for the object-storage URLs CreateTaskFileUrl returns.
// The key is random per emulator, so a URL from one emulator never works on another.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The URL path a FileName is uploaded to. */
export function uploadPath(fileName: string): string {
  return `/upload/${encodeURIComponent(fileName)}`;
}

/** Makes and checks `?expires=<unix>&sign=<hmac hex>` upload URLs. */
export class Presigner {
  private readonly key = randomBytes(32);

  private sign(fileName: string, expires: string): string {
    return createHmac("sha256", this.key).update(`PUT\n${fileName}\n${expires}`).digest("hex");
  }

  /** A URL that accepts one PUT of `fileName` until `expires` (unix s, server clock). */
  url(baseUrl: string, fileName: string, expires: number): string {
    const expiresText = String(expires);
    return `${baseUrl}${uploadPath(fileName)}?expires=${expiresText}&sign=${this.sign(fileName, expiresText)}`;
  }

  /** The expiry time when `query` carries a valid signature for `fileName`, else undefined. */
  check(fileName: string, query: URLSearchParams): number | undefined {
    const expires = query.get("expires") ?? "";
    const given = Buffer.from(query.get("sign") ?? "");
    const wanted = Buffer.from(this.sign(fileName, expires));
    if (!/^\d+$/.test(expires) || given.length !== wanted.length) return undefined;
    return timingSafeEqual(given, wanted) ? Number(expires) : undefined;
  }
}
