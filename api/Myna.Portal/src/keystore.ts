// The software card: two non-extractable ECDSA P-256 key pairs kept in this browser's IndexedDB.
// The private keys can sign but can never be read out, not even by this script.

export interface SoftwareCard {
  cardId: string;
  serial: string;
  userAuthentication: CryptoKeyPair;
  signature: CryptoKeyPair;
  createdAt: string;
}

const database = "myna-portal";
const store = "cards";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(database, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(store, { keyPath: "cardId" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run<T>(mode: IDBTransactionMode, work: (cards: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const request = work(db.transaction(store, mode).objectStore(store));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

export function listCards(): Promise<SoftwareCard[]> {
  return run("readonly", (cards) => cards.getAll() as IDBRequest<SoftwareCard[]>);
}

export async function saveCard(card: SoftwareCard): Promise<void> {
  await run("readwrite", (cards) => cards.put(card));
}

export async function forgetCard(cardId: string): Promise<void> {
  await run("readwrite", (cards) => cards.delete(cardId));
}

export function newKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

/** The public key as the card terminal reads it: base64 SubjectPublicKeyInfo. */
export async function publicKeyBase64(pair: CryptoKeyPair): Promise<string> {
  return toBase64(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
}

/** Signs the bytes of a base64 challenge: ECDSA P-256 with SHA-256, IEEE P1363 r||s, as the chip does. */
export async function signChallenge(pair: CryptoKeyPair, challengeBase64: string): Promise<string> {
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, fromBase64(challengeBase64));
  return toBase64(new Uint8Array(signature));
}

function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) {
    text += String.fromCharCode(byte);
  }
  return btoa(text);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i += 1) {
    bytes[i] = raw.charCodeAt(i);
  }
  return bytes;
}
