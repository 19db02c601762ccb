// CRM and ticketing records: who owns them (owner ids → people), shared by ingest and access.
export {
  isEmail,
  OwnerDirectory,
  type OwnerEntry,
  type OwnerPerson,
  type OwnersInput,
  ownerEntryIn,
} from "./owners.js";
