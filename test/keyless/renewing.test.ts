// RenewingCredentials on a fake clock: renewed 5 minutes before expiry (or after two thirds of a
// short life), one renewal shared by concurrent requests, a failed renewal tolerated while the
// keys in hand still work.
import { describe, expect, it } from "vitest";
import {
  RENEW_BEFORE_MS,
  RENEW_RETRY_MS,
  RenewingCredentials,
  type ExpiringCredentials,
} from "../../src/credentials/keys.js";

const HOUR = 3_600_000;

function keys(n: number, expiresAt: number): ExpiringCredentials {
  return {
    credentials: { secretId: `id-${n}`, secretKey: `key-${n}`, token: `token-${n}` },
    expiresAt,
  };
}

function setup(lifeMs = HOUR) {
  const clock = { now: 1_000_000 };
  const warnings: string[] = [];
  const renewals: number[] = [];
  let fail: Error | undefined;
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  const source = new RenewingCredentials(
    keys(0, clock.now + lifeMs),
    async () => {
      renewals.push(clock.now);
      if (gate) await gate;
      if (fail) throw fail;
      return keys(renewals.length, clock.now + lifeMs);
    },
    { now: () => clock.now, logger: { warning: (line) => void warnings.push(line) } },
  );
  return {
    source,
    clock,
    warnings,
    renewals,
    failWith: (error: Error | undefined) => (fail = error),
    hold: () => (gate = new Promise((resolve) => (release = resolve))),
    release: () => {
      gate = undefined;
      release?.();
    },
  };
}

describe("RenewingCredentials", () => {
  it("keeps the keys until 5 minutes before they expire, then renews once", async () => {
    const t = setup();
    t.clock.now += HOUR - RENEW_BEFORE_MS - 1;
    expect((await t.source.current()).secretId).toBe("id-0");
    expect(t.renewals).toEqual([]);
    t.clock.now += 1;
    expect((await t.source.current()).secretId).toBe("id-1");
    expect((await t.source.current()).secretId).toBe("id-1");
    expect(t.renewals).toHaveLength(1);
  });

  it("keeps a wait going past several lifetimes, renewing each time", async () => {
    const t = setup(15 * 60_000);
    const seen: string[] = [];
    for (let minute = 0; minute < 60; minute++) {
      seen.push((await t.source.current()).secretId);
      t.clock.now += 60_000;
    }
    expect(new Set(seen)).toEqual(new Set(["id-0", "id-1", "id-2", "id-3", "id-4", "id-5"]));
    expect(t.renewals).toHaveLength(5);
  });

  it("renews short-lived keys after two thirds of their life, not on every request", async () => {
    const t = setup(6 * 60_000);
    t.clock.now += 4 * 60_000 - 1;
    expect((await t.source.current()).secretId).toBe("id-0");
    t.clock.now += 1;
    expect((await t.source.current()).secretId).toBe("id-1");
    t.clock.now += 60_000;
    expect((await t.source.current()).secretId).toBe("id-1");
    expect(t.renewals).toHaveLength(1);
  });

  it("shares one renewal among concurrent requests", async () => {
    const t = setup();
    t.clock.now += HOUR - 60_000;
    void t.hold();
    const pending = [t.source.current(), t.source.current(), t.source.current()];
    t.release();
    const got = await Promise.all(pending);
    expect(got.map((c) => c.secretId)).toEqual(["id-1", "id-1", "id-1"]);
    expect(t.renewals).toHaveLength(1);
  });

  it("uses the keys in hand after a failed renewal, trying again 30 s later", async () => {
    const t = setup();
    t.clock.now += HOUR - 4 * 60_000;
    t.failWith(new Error("STS said no\non two lines"));
    expect((await t.source.current()).secretId).toBe("id-0");
    expect(t.warnings).toEqual([
      "Could not renew the temporary credentials: STS said no\\non two lines; using the current ones, which expire in 240 s.",
    ]);
    t.clock.now += RENEW_RETRY_MS - 1;
    expect((await t.source.current()).secretId).toBe("id-0");
    expect(t.renewals).toHaveLength(1);
    t.failWith(undefined);
    t.clock.now += 1;
    expect((await t.source.current()).secretId).toBe("id-2");
  });

  it("throws the renewal's failure once the keys in hand are about to expire", async () => {
    const t = setup();
    t.clock.now += HOUR - 20_000;
    const error = new Error("no token");
    t.failWith(error);
    await expect(t.source.current()).rejects.toBe(error);
    t.clock.now += 30_000;
    await expect(t.source.current()).rejects.toBe(error);
    expect(t.warnings).toEqual([]);
  });
});
