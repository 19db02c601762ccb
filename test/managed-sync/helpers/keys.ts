import { generateKeyPairSync } from "node:crypto";

/** A fresh RSA key pair as PEM: PKCS#8 private, PKCS#1 private, SPKI public. */
export function rsaKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    pkcs8: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    pkcs1: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    spki: publicKey.export({ type: "spki", format: "pem" }).toString(),
    publicKey,
  };
}
