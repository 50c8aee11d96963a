// Plain constants of the usage log's settings, apart from their zod schema: the primary process reads them
// (the usage aggregates it owns) and must not load zod (DESIGN.md, "The primary process").

/** Hourly usage aggregates are kept this many days unless configured, at most MAX_HOURLY_RETENTION_DAYS. */
export const DEFAULT_HOURLY_RETENTION_DAYS = 7;
export const MAX_HOURLY_RETENTION_DAYS = 90;
