import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

builder.scalarType('DateTime', {
  description: 'ISO-8601 instant in UTC, e.g. 2026-11-27T10:00:00.000Z',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    if (typeof value !== 'string') throw new GraphQLError('DateTime must be an ISO-8601 string');
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime()) || !/[zZ]|[+-]\d{2}:?\d{2}$/.test(value)) {
      throw new GraphQLError(`Invalid DateTime "${value}": use ISO-8601 with a zone, e.g. Z`);
    }
    return parsed;
  },
});

builder.scalarType('Date', {
  description: 'A calendar date, YYYY-MM-DD',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'string' || !datePattern.test(value)) {
      throw new GraphQLError('Date must be a YYYY-MM-DD string');
    }
    return value;
  },
});
