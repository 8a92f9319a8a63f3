import { Connection, Model, Schema } from 'mongoose';

/** How far the sweep has checked: every contact written before the watermark is indexed. */
interface SweepState {
  _id: string;
  watermark: Date;
}

const sweepStateSchema = new Schema<SweepState>({ _id: String, watermark: { type: Date, required: true } }, { versionKey: false });

export type SweepStateModel = Model<SweepState>;

export function defineSweepStateModel(conn: Connection): SweepStateModel {
  return conn.model<SweepState>('SweepState', sweepStateSchema, 'sync_sweep_state');
}
