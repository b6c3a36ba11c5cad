// Names for the API's schemas, over the types openapi-typescript generates from openapi.json (`npm run gen:api`).
import type { components } from "./schema";

type Schemas = components["schemas"];

/** Any schema of the OpenAPI description by name, e.g. `Schema<"GoalOut">`. */
export type Schema<K extends keyof Schemas> = Schemas[K];

export type UserOut = Schemas["UserOut"];
export type Role = Schemas["Role"];
export type Credentials = Schemas["Credentials"];
export type LoginRequest = Schemas["LoginRequest"];
export type CreateSession = Schemas["CreateSession"];
export type SessionOut = Schemas["SessionOut"];
export type SessionList = Schemas["SessionList"];
export type SessionState = Schemas["SessionState"];
export type SessionSource = Schemas["SessionSource"];
export type AnalysisJobOut = Schemas["AnalysisJobOut"];
export type JobState = Schemas["JobState"];
export type ReportOut = Schemas["ReportOut"];
export type ProgressOut = Schemas["ProgressOut"];
export type GoalOut = Schemas["GoalOut"];
export type GoalList = Schemas["GoalList"];
export type GoalIn = Schemas["GoalIn"];

// The typed report (inference/report), read by the review page.
export type Report = Schemas["Report"];
export type Speech = Schemas["Speech"];
export type SpeechWindow = Schemas["SpeechWindow"];
export type Word = Schemas["Word"];
export type Filler = Schemas["Filler"];
export type TimedText = Schemas["TimedText"];
export type Pause = Schemas["Pause"];
export type Body = Schemas["Body"];
export type BodySample = Schemas["BodySample"];
export type Scores = Schemas["Scores"];
export type DimensionScore = Schemas["DimensionScore"];
export type Recommendation = Schemas["Recommendation"];
export type Moment = Schemas["Moment"];

/** The body of every 4xx/5xx response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
