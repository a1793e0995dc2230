// Vitest's asymmetric matchers typed as `unknown`: expected values stay free of `any`.
import { expect } from 'vitest';

export const anyString: unknown = expect.any(String);

export const stringMatching = (pattern: RegExp | string): unknown => expect.stringMatching(pattern);

export const stringContaining = (text: string): unknown => expect.stringContaining(text);

export const objectContaining = (value: Record<string, unknown>): unknown =>
  expect.objectContaining(value);

export const arrayContaining = (values: readonly unknown[]): unknown =>
  expect.arrayContaining([...values]);
