/**
 * Using the Alteryx bundle's types in TypeScript. The test writes them next to this file with
 * `openapi-typescript alteryx.openapi.json --output alteryx.openapi.ts`, then runs `tsc --strict`.
 */
import type { components, operations, paths } from "./alteryx.openapi";

/** The body of a 200 answer to `GET /v3/jobs/{jobId}`. */
export type Job = paths["/v3/jobs/{jobId}"]["get"]["responses"][200]["content"]["application/json"];

/** The body of a 200 answer to `GET /v3/jobs/{jobId}/messages`: a list of messages. */
export type Messages =
  paths["/v3/jobs/{jobId}/messages"]["get"]["responses"][200]["content"]["application/json"];

export const request: operations["getJob"]["parameters"] = {
  path: { jobId: "66ebd18d3d6200007e000d8c" },
  query: { includeMessages: false },
};

export function errors(messages: Messages): string[] {
  return messages.filter((message) => message.status === 3).map((message) => message.text ?? "");
}

/** A job's messages come as the same schema from both operations. */
export function allMessages(job: Job): components["schemas"]["JobMessage"][] {
  return job.messages ?? [];
}

export const outputFiles = (job: Job): string[] =>
  (job.outputs ?? []).flatMap((output) => (output.fileName ? [output.fileName] : []));

// @ts-expect-error includeMessages is a boolean, not the string "false".
export const wrongQuery: operations["getJob"]["parameters"]["query"] = { includeMessages: "false" };
