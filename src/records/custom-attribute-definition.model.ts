import { Connection, Model, Schema } from 'mongoose';

export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'list', 'checkbox', 'link'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** Chatwoot's custom attribute definition, plus the index slot its values are searched in. */
export interface CustomAttributeDefinition {
  _id: number;
  account_id: number;
  attribute_key: string;
  attribute_display_name: string;
  attribute_display_type: AttributeType;
  attribute_description: string | null;
  /** Allowed values of a list attribute. */
  attribute_values: string[];
  attribute_model: 'contact_attribute';
  /** For clients that check values (Chatwoot's dashboard); absent on definitions stored before they were kept. */
  regex_pattern?: string | null;
  regex_cue?: string | null;
  /** Chatwoot's default value, kept for its clients; the service fills nothing with it. */
  default_value?: string | number | boolean | null;
  /**
   * Which of the account's typed search fields of this type holds the values (see
   * mappings/). Assigned once on creation and never reused while the definition exists.
   */
  slot: number;
  created_at: Date;
  updated_at: Date;
  /**
   * Deleted by its account while a job takes its values out of its slot on the contacts that hold
   * them: hidden from the API and from indexing, its slot kept from new definitions until then.
   */
  retiring?: boolean;
  /** Defined while many contacts held the key: a job is still re-indexing them into its slot. */
  resyncing?: boolean;
}

/**
 * All of an account's definitions in one document whose _id is the account id. Every filter,
 * contact write with custom values, import and index batch needs them, so one read by _id finds
 * them (a collection of definitions read by account_id is a scan on the local MongoDB-wire
 * server). A key and a slot are unique within the list because every change is conditional on
 * the version it read; at most MAX_SLOTS definitions keep the document small.
 */
export interface CustomAttributeSet {
  _id: number;
  version: number;
  definitions: CustomAttributeDefinition[];
}

const definitionSchema = new Schema<CustomAttributeDefinition>(
  {
    _id: Number,
    account_id: { type: Number, required: true },
    attribute_key: { type: String, required: true },
    attribute_display_name: { type: String, required: true },
    attribute_display_type: { type: String, enum: ATTRIBUTE_TYPES, required: true },
    attribute_description: { type: String, default: null },
    attribute_values: { type: [String], default: () => [] },
    attribute_model: { type: String, default: 'contact_attribute' },
    regex_pattern: { type: String, default: null },
    regex_cue: { type: String, default: null },
    default_value: { type: Schema.Types.Mixed, default: null },
    slot: { type: Number, required: true },
    created_at: { type: Date, default: () => new Date() },
    updated_at: { type: Date, default: () => new Date() },
    retiring: { type: Boolean, default: undefined },
    resyncing: { type: Boolean, default: undefined },
  },
  { versionKey: false },
);

const setSchema = new Schema<CustomAttributeSet>(
  {
    _id: Number,
    version: { type: Number, required: true },
    definitions: { type: [definitionSchema], default: () => [] },
  },
  { versionKey: false },
);

export type CustomAttributeSetModel = Model<CustomAttributeSet>;

export function defineCustomAttributeSetModel(conn: Connection): CustomAttributeSetModel {
  return conn.model<CustomAttributeSet>('CustomAttributeSet', setSchema, 'custom_attribute_sets');
}
