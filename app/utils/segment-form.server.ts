/** The segment builder's form, read the same way by segments.new and segments.$id. */
import { definitionFromFields, SegmentDefinitionSchema, SegmentMetaSchema } from "~/models/segment.schema";
import { formFailure } from "./action.server";
import { parseObject } from "./form";

/** What the segment builder posts (new and edit alike): its name and description, and its definition. */
export function parseSegmentForm(values: Record<string, unknown>) {
  const meta = parseObject(SegmentMetaSchema, values);
  const definition = parseObject(SegmentDefinitionSchema, definitionFromFields(values as Record<string, string | string[]>));
  if (!meta.ok || !definition.ok) {
    const errors = { ...(meta.ok ? {} : meta.errors), ...(definition.ok ? {} : definition.errors) };
    return { ok: false as const, failure: formFailure(400, { values, errors, formError: definition.ok ? null : "customers:segments.builder.invalid" }) };
  }
  return { ok: true as const, meta: meta.data, definition: definition.data };
}
