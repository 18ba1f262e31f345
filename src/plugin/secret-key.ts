// Where the LLM API key lives. Obsidian 1.11.4+ has a secret storage outside data.json (which sync
// services and backups copy in plain text); older versions fall back to data.json and say so.
import type { App } from "obsidian";

export const LLM_KEY_SECRET_ID = "scholia-llm-api-key";

export interface SecretStore {
  /** True when the key is kept outside data.json. */
  readonly secure: boolean;
  get(): string;
  set(value: string): void;
}

interface SecretStorageLike {
  getSecret(id: string): string | null;
  setSecret(id: string, secret: string): void;
}

function secretStorageOf(app: App): SecretStorageLike | null {
  // Read defensively: the property does not exist before 1.11.4.
  const storage = (app as unknown as { secretStorage?: SecretStorageLike }).secretStorage;
  return storage && typeof storage.getSecret === "function" && typeof storage.setSecret === "function" ? storage : null;
}

/** A store for the key: Obsidian's secret storage when present, else the given data.json accessors. */
export function createSecretStore(
  app: App,
  fallback: { get(): string | undefined; set(value: string | undefined): void },
): SecretStore {
  const storage = secretStorageOf(app);
  if (storage) {
    return {
      secure: true,
      get: () => storage.getSecret(LLM_KEY_SECRET_ID) ?? "",
      set: (value) => {
        storage.setSecret(LLM_KEY_SECRET_ID, value);
        // A key left in data.json from an older Obsidian version must not linger there.
        if (fallback.get() !== undefined) fallback.set(undefined);
      },
    };
  }
  return {
    secure: false,
    get: () => fallback.get() ?? "",
    set: (value) => fallback.set(value === "" ? undefined : value),
  };
}
