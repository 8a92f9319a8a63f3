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
  /**
   * Which of the account's typed search fields of this type holds the values (see
   * mappings/). Assigned once on creation and never reused while the definition exists.
   */
  slot: number;
  created_at: Date;
  updated_at: Date;
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
    slot: { type: Number, required: true },
    created_at: { type: Date, default: () => new Date() },
    updated_at: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
definitionSchema.index({ account_id: 1, attribute_key: 1 }, { unique: true });
// Two definitions created at once must not share a slot: the insert of the second one fails.
definitionSchema.index({ account_id: 1, slot: 1 }, { unique: true });

export type CustomAttributeDefinitionModel = Model<CustomAttributeDefinition>;

export function defineCustomAttributeDefinitionModel(conn: Connection): CustomAttributeDefinitionModel {
  return conn.model<CustomAttributeDefinition>('CustomAttributeDefinition', definitionSchema, 'custom_attribute_definitions');
}
