/**
 * Using the Elastic Path bundle's types in TypeScript. The test writes them next to this file
 * with `openapi-typescript elasticpath.openapi.json --output elasticpath.openapi.ts`, then runs
 * `tsc --strict`.
 */
import type { components, operations, paths } from "./elasticpath.openapi";

type Responses = paths["/jobs/{jobID}"]["get"]["responses"];

/** The body of a 200 answer: the job, wrapped in `data`. */
export type JobBody = Responses[200]["content"]["application/json"];

/** The body of a 404 or 500 answer: the same error schema, by reference. */
export type ErrorBody = Responses[404 | 500]["content"]["application/json"];

export const request: operations["getJob"]["parameters"]["path"] = {
  jobID: "974c9db4-38da-4dbf-90c2-33eed5f3e77c",
};

export function jobStatus(body: JobBody): string {
  return body.data?.status ?? "unknown";
}

/** `errors` is required in ErrorResponse, so it is always there to read. */
export function problems(body: ErrorBody): string[] {
  return body.errors.map((error) => `${error.status ?? "?"} ${error.title ?? ""}`.trim());
}

export const notFound: components["schemas"]["ErrorResponse"] = {
  errors: [{ status: 404, title: "Resource Not Found" }],
};

// @ts-expect-error an ErrorResponse without its required `errors` array.
export const bare: ErrorBody = { title: "Resource Not Found", status: 404 };
