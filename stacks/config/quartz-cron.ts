/**
 * Quartz cron syntax, field by field, as the Quartz CronTrigger tutorial defines it
 * (https://www.quartz-scheduler.org/documentation/quartz-2.5.x/tutorials/crontrigger.html), which the
 * Databricks Jobs API names for `quartz_cron_expression` (https://docs.databricks.com/api/workspace/jobs/create).
 *
 * | field        | values           | special characters |
 * | seconds      | 0-59             | , - * /            |
 * | minutes      | 0-59             | , - * /            |
 * | hours        | 0-23             | , - * /            |
 * | day-of-month | 1-31             | , - * ? / L W      |
 * | month        | 1-12 or JAN-DEC  | , - * /            |
 * | day-of-week  | 1-7 or SUN-SAT   | , - * ? / L #      |
 * | year (opt.)  | 1970-2099        | , - * /            |
 *
 * Quartz does not support both a day-of-month and a day-of-week: exactly one of them is `?`.
 * Names are case-insensitive (Quartz upper-cases the expression). Ranges may wrap (`FRI-MON`).
 */

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS: readonly FieldSpec[] = [
  { name: "seconds", min: 0, max: 59 },
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, names: DAYS },
  { name: "year", min: 1970, max: 2099 },
];

/** Longer than any sensible expression; bounds the work done on hostile input. */
const MAX_LENGTH = 256;

export const QUARTZ_FORMAT = 'a Quartz cron expression "seconds minutes hours day-of-month month day-of-week [year]", e.g. "0 0 2 * * ?"';

/** Why `expression` is not a valid Quartz cron expression, or undefined when it is. */
export function quartzCronProblem(expression: string): string | undefined {
  if (expression.length > MAX_LENGTH) return `expected ${QUARTZ_FORMAT}, got ${expression.length} characters`;
  const fields = expression.trim().toUpperCase().split(/\s+/);
  if (fields.length < 6 || fields.length > 7) return 'expected a Quartz cron expression with 6 or 7 fields, e.g. "0 0 2 * * ?"';
  for (let i = 0; i < fields.length; i++) {
    const problem = fieldProblem(fields[i], FIELDS[i]);
    if (problem) return `expected ${QUARTZ_FORMAT}: ${FIELDS[i].name} field "${fields[i]}": ${problem}`;
  }
  const dom = fields[3];
  const dow = fields[5];
  if ((dom === "?") === (dow === "?")) {
    return `expected ${QUARTZ_FORMAT}: exactly one of day-of-month and day-of-week must be "?" (Quartz supports one of them, not both), got "${dom}" and "${dow}"`;
  }
  return undefined;
}

function fieldProblem(field: string, spec: FieldSpec): string | undefined {
  const isDom = spec.name === "day-of-month";
  const isDow = spec.name === "day-of-week";
  if (field === "?") return isDom || isDow ? undefined : `"?" is only allowed in day-of-month and day-of-week`;
  if (isDom && /^(?:L(?:-\d{1,2})?|LW)$/.test(field)) {
    const offset = field.startsWith("L-") ? Number(field.slice(2)) : 0;
    return offset <= 30 ? undefined : `the offset of "L-n" must be 0-30`;
  }
  if (isDom && /^\d{1,2}W$/.test(field)) return inRange(Number(field.slice(0, -1)), spec);
  if (isDow && field === "L") return undefined;
  if (isDow && /^[A-Z0-9]{1,3}L$/.test(field)) return valueProblem(field.slice(0, -1), spec);
  if (isDow && /^[A-Z0-9]{1,3}#\d{1,2}$/.test(field)) {
    const [day, nth] = field.split("#");
    const problem = valueProblem(day, spec);
    if (problem) return problem;
    return Number(nth) >= 1 && Number(nth) <= 5 ? undefined : `the n of "day#n" must be 1-5`;
  }
  if (field === "") return "empty";
  for (const item of field.split(",")) {
    const problem = itemProblem(item, spec);
    if (problem) return problem;
  }
  return undefined;
}

/** One list item: `*`, `v`, `a-b`, each optionally followed by `/step`. */
function itemProblem(item: string, spec: FieldSpec): string | undefined {
  const [base, step, ...rest] = item.split("/");
  if (rest.length > 0) return `more than one "/" in "${item}"`;
  if (step !== undefined) {
    if (!/^\d{1,4}$/.test(step)) return `expected a number after "/", got "${step}"`;
    const n = Number(step);
    const span = spec.max - spec.min + 1;
    if (n < 1 || n > span) return `the increment after "/" must be 1-${span}`;
  }
  if (base === "*") return undefined;
  if (base === "") return step !== undefined ? `expected a start value or "*" before "/"` : "empty list item";
  const bounds = base.split("-");
  if (bounds.length > 2) return `expected a value or a range "a-b", got "${base}"`;
  for (const b of bounds) {
    const problem = valueProblem(b, spec);
    if (problem) return problem;
  }
  return undefined;
}

function valueProblem(value: string, spec: FieldSpec): string | undefined {
  if (/^\d{1,4}$/.test(value)) return inRange(Number(value), spec);
  if (spec.names?.includes(value)) return undefined;
  const allowed = spec.names ? `${spec.min}-${spec.max} or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : `${spec.min}-${spec.max}`;
  return `expected ${allowed}, got "${value}"`;
}

function inRange(n: number, spec: FieldSpec): string | undefined {
  return n >= spec.min && n <= spec.max ? undefined : `${n} is outside ${spec.min}-${spec.max}`;
}
