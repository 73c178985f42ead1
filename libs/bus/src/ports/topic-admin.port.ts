import { TopicSpec } from '../topology';

export abstract class TopicAdmin {
  /** Creates the topics that do not exist yet, with their partition counts; existing topics are left as they are. */
  abstract ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
}
