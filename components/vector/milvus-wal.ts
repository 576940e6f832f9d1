import type { KafkaTopicArgs } from "../data/kafka-cluster";

/**
 * Milvus's physical channels, `<prefix>-rootcoord-dml_<i>`: on Kafka, one topic each. The component
 * writes both numbers into Milvus's config, so the topics declared for it and the ones it uses
 * cannot drift apart. These are Milvus's own defaults.
 */
export const MILVUS_CHANNELS = { prefix: "by-dev", count: 16 } as const;

/** The largest WAL entry Milvus may write, and so the topics' limit (Kafka's default is 1 MiB). */
export const WAL_MESSAGE_MAX_BYTES = 10 * 1024 * 1024;

/**
 * The topics Milvus's WAL needs on a Kafka that does not create topics itself: one partition each
 * (a channel is read in order) and a week's retention, what milvus-helm gives its own Kafka.
 */
export const MILVUS_KAFKA_TOPICS: readonly KafkaTopicArgs[] = Array.from(
  { length: MILVUS_CHANNELS.count },
  (_, i) => ({
    name: `${MILVUS_CHANNELS.prefix}-rootcoord-dml_${i}`,
    partitions: 1,
    retentionHours: 168,
    config: { "max.message.bytes": WAL_MESSAGE_MAX_BYTES },
  }),
);
