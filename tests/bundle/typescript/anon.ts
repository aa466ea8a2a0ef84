/**
 * Using the Anon bundle's types in TypeScript. The test writes them next to this file with
 * `openapi-typescript anon.openapi.json --output anon.openapi.ts`, then runs `tsc --strict`.
 */
import type { components, operations, paths } from "./anon.openapi";

/** The body of a 200 answer to `GET /jobs/{jobId}`. */
export type Job = paths["/jobs/{jobId}"]["get"]["responses"][200]["content"]["application/json"];

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

// The bundle keeps `#/components/schemas/Job` a reference: the response body *is* that schema.
export const bodyIsTheJobSchema: Same<Job, components["schemas"]["Job"]> = true;

export const request: operations["getJobById"]["parameters"]["path"] = {
  jobId: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
};

export function describe(job: Job): string {
  // createdAt is `type: [string, "null"]`: strict mode makes the null case explicit.
  const created = job.createdAt === null ? "at an unknown time" : job.createdAt;
  const workflows = job.jobConfigJson.workflowExecutionOrder ?? [];
  return `${job.name} (${job.id}) created ${created}, ${workflows.length} workflow(s)`;
}

// @ts-expect-error updatedByUserId may be null, so it cannot be used as a string unchecked.
export const updatedBy = (job: Job): string => job.updatedByUserId.toUpperCase();

// @ts-expect-error every property of a Job is required.
export const incomplete: Job = { id: "3c90c3cc-0d44-4b50-8888-8dd25736052a", name: "nightly" };
