import { Connection, Model, Schema } from 'mongoose';
import { isDuplicateKey } from './duplicate-key';

// Chatwoot's ids are integers and its clients expect them. FerretDB applies $inc as
// read-modify-write, so a counter document could hand the same id to two writers; an insert
// with a unique _id is atomic everywhere. Each process claims a block of ids by inserting
// its block number, then hands out the block's ids from memory.

interface IdBlock {
  _id: string;
  sequence: string;
  block: number;
}

const idBlockSchema = new Schema<IdBlock>(
  { _id: String, sequence: { type: String, required: true }, block: { type: Number, required: true } },
  { versionKey: false },
);
idBlockSchema.index({ sequence: 1, block: -1 });

export type IdBlockModel = Model<IdBlock>;

export function defineIdBlockModel(conn: Connection): IdBlockModel {
  return conn.model<IdBlock>('IdBlock', idBlockSchema, 'id_blocks');
}

export function createIdAllocator(blocks: IdBlockModel, blockSize = 1000) {
  const ranges = new Map<string, { next: number; end: number }>();
  const claiming = new Map<string, Promise<void>>();

  async function claimBlock(sequence: string): Promise<void> {
    const last = await blocks.findOne({ sequence }).sort({ block: -1 }).lean();
    let block = (last?.block ?? -1) + 1;
    for (;;) {
      try {
        await blocks.create({ _id: `${sequence}:${block}`, sequence, block });
        // Ids start at 1: block 0 covers 1..blockSize-1.
        ranges.set(sequence, { next: Math.max(1, block * blockSize), end: (block + 1) * blockSize });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        block += 1;
      }
    }
  }

  /** Returns `count` unused ids of a sequence (not always consecutive). */
  return async function nextIds(sequence: string, count = 1): Promise<number[]> {
    const ids: number[] = [];
    while (ids.length < count) {
      const range = ranges.get(sequence);
      if (range && range.next < range.end) {
        ids.push(range.next++);
        continue;
      }
      let pending = claiming.get(sequence);
      if (!pending) {
        pending = claimBlock(sequence).finally(() => claiming.delete(sequence));
        claiming.set(sequence, pending);
      }
      await pending;
    }
    return ids;
  };
}

export type IdAllocator = ReturnType<typeof createIdAllocator>;

/** The highest id a sequence may have handed out (the end of its last claimed block). */
export async function highestId(blocks: IdBlockModel, sequence: string, blockSize = 1000): Promise<number> {
  // id_blocks holds one document per thousand ids: reading it by sequence is cheap at any size.
  const last = await blocks.findOne({ sequence }).sort({ block: -1 }).lean();
  return last ? (last.block + 1) * blockSize - 1 : 0;
}
