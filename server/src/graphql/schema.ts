// The executable schema: importing each type file registers it on the builder.
import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './types/scalars.js';
import './types/errors.js';
import './types/viewer.js';
import './types/room.js';
import './types/calendar.js';
import './types/api-key.js';
import './types/meeting.js';
import './types/meeting-history.js';
import './types/feed-inspection.js';

builder.mutationType({});
builder.subscriptionType({});

export const schema = builder.toSchema();

/** The SDL committed as schema.graphql (CI fails when it drifts). */
export function printSchemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
