/** What a rollout's deployment carries; set when it is created, never changed after. */
export interface RolloutPayload {
  /** Marks deployments this action made, among others in the same environment. */
  tool: "iotvideo-firmware-rollout";
  product: string;
  firmwareVersion: string;
  originalVersion?: string;
  /** The target in words: "120 devices listed in fleet.txt". */
  target: string;
  /** A wave rollout's plan digest: a later run trusts the recorded waves only for the same plan. */
  plan?: string;
}

/** Pure: a deployment's payload as ours, or undefined (GitHub may hand it back as a JSON string). */
export function payloadOf(payload: unknown): RolloutPayload | undefined {
  let value = payload;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const text = (key: string) => (typeof record[key] === "string" ? record[key] : undefined);
  const product = text("product");
  const firmwareVersion = text("firmwareVersion");
  if (text("tool") !== "iotvideo-firmware-rollout" || !product || !firmwareVersion) {
    return undefined;
  }
  const originalVersion = text("originalVersion");
  const plan = text("plan");
  return {
    tool: "iotvideo-firmware-rollout",
    product,
    firmwareVersion,
    ...(originalVersion === undefined ? {} : { originalVersion }),
    target: text("target") ?? "",
    ...(plan === undefined ? {} : { plan }),
  };
}

/** One rollout is one version of one product to one environment (the list it came from). */
export function sameRollout(payload: unknown, want: RolloutPayload): boolean {
  const found = payloadOf(payload);
  return found?.product === want.product && found.firmwareVersion === want.firmwareVersion;
}
