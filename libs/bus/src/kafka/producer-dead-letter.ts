import { Injectable } from '@nestjs/common';
import { DEAD_LETTER_HEADERS, DeadLetter, DeadLetterPort } from '../ports/dead-letter.port';
import { MessageProducer } from '../ports/message-producer.port';
import { TOPICS } from '../topology';

/** Headers are bounded: a huge exception message must not make the dead letter itself unproducible. */
const MAX_REASON_MESSAGE_LENGTH = 1_000;

/** Writes dead letters to `ticks.dlq`: the original key and bytes, the reason and source position as headers. */
@Injectable()
export class ProducerDeadLetter extends DeadLetterPort {
  constructor(private readonly producer: MessageProducer) {
    super();
  }

  async send(letters: readonly DeadLetter[]): Promise<void> {
    await this.producer.send(
      TOPICS.ticksDlq,
      letters.map((letter) => ({
        key: letter.key,
        value: letter.value ?? Buffer.alloc(0),
        headers: {
          [DEAD_LETTER_HEADERS.reasonCode]: letter.reason.code,
          [DEAD_LETTER_HEADERS.reasonMessage]: letter.reason.message.slice(0, MAX_REASON_MESSAGE_LENGTH),
          [DEAD_LETTER_HEADERS.sourceTopic]: letter.source.topic,
          [DEAD_LETTER_HEADERS.sourcePartition]: String(letter.source.partition),
          [DEAD_LETTER_HEADERS.sourceOffset]: letter.source.offset,
        },
      })),
    );
  }
}
