/**
 * Using the SiteHost bundle's types in TypeScript. The test writes them next to this file with
 * `openapi-typescript sitehost.openapi.json --output sitehost.openapi.ts`, then runs
 * `tsc --strict`.
 */
import type { components, operations, paths } from "./sitehost.openapi";

/** The body of a 200 answer to `GET /job/get.json`: SiteHost's envelope around the job. */
export type JobResponse =
  paths["/job/get.json"]["get"]["responses"][200]["content"]["application/json"];

export const request: operations["getJob"]["parameters"]["query"] = { type: "scheduler", id: 32563 };

/** The job's log, one line per entry; `return` is a plain property name in TypeScript. */
export function logLines(response: JobResponse): string[] {
  const logs: components["schemas"]["JobLog"][] = response.return?.logs ?? [];
  return logs.map((log) => `${log.date ?? "?"} [${log.level ?? "?"}] ${log.message ?? ""}`);
}

export const finished = (response: JobResponse): boolean =>
  response.status === true && response.return?.state === "Completed";

// @ts-expect-error the job type is an enum: daemon or scheduler.
export const unknownType: operations["getJob"]["parameters"]["query"] = { type: "cron", id: 1 };

// @ts-expect-error the log level is a number sent as a string.
export const numericLevel: components["schemas"]["JobLog"] = { level: 3 };
