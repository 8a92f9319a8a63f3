import { Connection, Model, Schema } from 'mongoose';

/**
 * An outgoing message whose delivery is not settled yet. Written (by the message's _id) before the
 * message itself, and deleted once the message is sent or failed, so the collection holds what is
 * in flight, not every message: the delivery sweep reads it, and its cost grows with the messages
 * in flight.
 */
export interface PendingDelivery {
  /** The message's _id. */
  _id: number;
  /** When it was written, or last handed to the queue by the sweep. */
  at: Date;
}

const pendingDeliverySchema = new Schema<PendingDelivery>({ _id: Number, at: { type: Date, required: true } }, { versionKey: false });

export type PendingDeliveryModel = Model<PendingDelivery>;

export function definePendingDeliveryModel(conn: Connection): PendingDeliveryModel {
  return conn.model<PendingDelivery>('PendingDelivery', pendingDeliverySchema, 'pending_deliveries');
}
