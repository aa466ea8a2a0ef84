/**
 * Using the Altostrat bundle's types in TypeScript. The test writes them next to this file with
 * `openapi-typescript altostrat.openapi.json --output altostrat.openapi.ts`, then runs
 * `tsc --strict`.
 */
import type { components, operations, paths } from "./altostrat.openapi";

type GetJobDetails = paths["/site/{site}/job/{job}"]["get"];

/** The body of a 200 answer to `GET /site/{site}/job/{job}`. */
export type Job = GetJobDetails["responses"][200]["content"]["application/json"];

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

export const bodyIsTheJobSchema: Same<Job, components["schemas"]["Job"]> = true;
export const sameOperation: Same<GetJobDetails, operations["getJobDetails"]> = true;

export const request: GetJobDetails["parameters"]["path"] = {
  site: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
  job: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
};

/** Where a job stands: every property is optional, and the timestamps may also be null. */
export function state(job: Job): "failed" | "completed" | "started" | "queued" {
  if (job.failed_at != null) return "failed";
  if (job.completed_at != null) return "completed";
  return job.started_at != null ? "started" : "queued";
}

// `format: uri` is documentation only in TypeScript: the page's relative log URL is a string.
export const logUrl: Job["log_url"] = "logs?group=sites&filter={$.message=*jobTokenExample*}";

// @ts-expect-error started_at may be null or absent, so it cannot be used as a string unchecked.
export const startedYear = (job: Job): string => job.started_at.slice(0, 4);
