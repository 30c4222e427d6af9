// keywarden's typed client: openapi-fetch over the types openapi-typescript
// generates from docs/openapi.json (src/schema.d.ts; `npm run generate`).
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, paths, operations } from "./schema.js";

/** The JSON shapes of the API, by schema name (`Schemas["KeyView"]`). */
export type Schemas = components["schemas"];

/** A client of the keywarden API at `baseUrl`, authenticated with a root key. */
export function keywarden(baseUrl: string, rootKey: string): Client<paths> {
  return createClient<paths>({
    baseUrl,
    headers: { Authorization: `Bearer ${rootKey}` },
  });
}
