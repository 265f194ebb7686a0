/**
 * Per-sandbox in-memory storage for oidc-provider (its built-in dev adapter is
 * process-global and warns on every start). Expiry is checked on read.
 */
type Payload = Record<string, unknown> & {
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: number;
};

export function createMemoryAdapterFactory(): (name: string) => MemoryAdapter {
  const store = new Map<string, { payload: Payload; expiresAt?: number }>();
  const grants = new Map<string, Set<string>>();
  return (name: string) => new MemoryAdapter(name, store, grants);
}

export class MemoryAdapter {
  constructor(
    private readonly name: string,
    private readonly store: Map<string, { payload: Payload; expiresAt?: number }>,
    private readonly grants: Map<string, Set<string>>,
  ) {}

  private key(id: string): string {
    return `${this.name}:${id}`;
  }

  async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    this.store.set(key, {
      payload,
      ...(expiresIn ? { expiresAt: Date.now() + expiresIn * 1000 } : {}),
    });
    if (payload.grantId) {
      const set = this.grants.get(payload.grantId) ?? new Set<string>();
      set.add(key);
      this.grants.set(payload.grantId, set);
    }
  }

  async find(id: string): Promise<Payload | undefined> {
    const entry = this.store.get(this.key(id));
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt < Date.now()) {
      this.store.delete(this.key(id));
      return undefined;
    }
    return entry.payload;
  }

  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    for (const [k, v] of this.store)
      if (k.startsWith(`${this.name}:`) && v.payload.userCode === userCode) return v.payload;
    return undefined;
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    for (const [k, v] of this.store)
      if (k.startsWith(`${this.name}:`) && v.payload.uid === uid) return v.payload;
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const entry = this.store.get(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of this.grants.get(grantId) ?? []) this.store.delete(key);
    this.grants.delete(grantId);
  }
}
