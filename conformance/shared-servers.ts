// The servers read-only cases share (`t.shared()`), one pool per class: a server is lent to one
// case at a time, so cases that run at once never see each other's requests on it, and when
// every server of a configuration is lent a new one starts. A case that asks twice for the same
// configuration gets the same server. A server that died, or has fewer live workers than it was
// started with (a case crashed one: the server may be replacing it, or never will), is stopped
// and replaced: the next case must not meet the last one's damage (node:cluster, for one, hands a
// connection to a worker that just died and loses it), and blame its own rule for it.
import type { Driver, Server, ServerConfig } from '../spec/harness/types.ts';

interface Entry {
  server: Promise<Server>;
  lent: boolean;
}

export class SharedServers {
  private readonly pools = new Map<string, Entry[]>();

  constructor(private readonly driver: Driver) {}

  /** A lender for one case: its `lend` is the case's `t.shared`, `release` returns its servers. */
  forCase(): { lend(config: ServerConfig): Promise<Server>; release(): void } {
    const mine = new Map<string, Entry>();
    return {
      lend: async (config) => {
        const key = JSON.stringify(config);
        let entry = mine.get(key);
        if (!entry) {
          entry = await this.take(key, config);
          mine.set(key, entry);
        }
        return entry.server;
      },
      release: () => {
        for (const entry of mine.values()) entry.lent = false;
        mine.clear();
      },
    };
  }

  /** Starts a server of `config` into the pool, lent to nobody: the pre-flight's, which read-only cases then share. */
  warm(config: ServerConfig): Promise<Server> {
    return this.started(this.pool(JSON.stringify(config)), config, false).server;
  }

  private pool(key: string): Entry[] {
    const pool = this.pools.get(key) ?? [];
    this.pools.set(key, pool);
    return pool;
  }

  /** A new server in `pool`. A start that failed is not kept: the next case tries again (and says why, if it fails too). */
  private started(pool: Entry[], config: ServerConfig, lent: boolean): Entry {
    const entry: Entry = { server: this.driver.start(config), lent };
    pool.push(entry);
    entry.server.catch(() => pool.includes(entry) && pool.splice(pool.indexOf(entry), 1));
    return entry;
  }

  private async take(key: string, config: ServerConfig): Promise<Entry> {
    const pool = this.pool(key);
    for (const entry of pool.filter((e) => !e.lent)) {
      entry.lent = true; // before the await: no other case takes it meanwhile
      const server = await entry.server.catch(() => undefined);
      if (server && server.exitStatus() === null && (await whole(server))) {
        try {
          await this.driver.beforeLend?.(server);
        } catch (error) {
          entry.lent = false; // the next case's lend checks it again
          throw error;
        }
        return entry;
      }
      pool.splice(pool.indexOf(entry), 1);
      await server?.stop().catch(() => undefined);
    }
    return this.started(pool, config, true);
  }

  async stopAll(): Promise<void> {
    const entries = [...this.pools.values()].flat();
    this.pools.clear();
    await Promise.all(entries.map(async (e) => (await e.server.catch(() => undefined))?.stop()));
  }
}

/** Whether `server` still has the workers it was started with; one whose driver cannot count them (--url throws) is. */
async function whole(server: Server): Promise<boolean> {
  try {
    return (await server.workers()).length >= server.config.workers;
  } catch {
    return true;
  }
}
