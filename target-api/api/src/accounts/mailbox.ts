// The simulated mailbox: activation e-mails land here instead of being sent (simulation mode only).

export interface MailMessage {
  to: string;
  subject: string;
  body: string;
  code: string;
  sentAt: string;
}

export interface Mailbox {
  send(message: MailMessage): void;
  read(to: string): MailMessage[];
}

/** Keeps the last `perAddress` messages for each address, so a long load run cannot grow it unbounded. */
export function createMailbox(perAddress = 5, maxAddresses = 100_000): Mailbox {
  const boxes = new Map<string, MailMessage[]>();
  return {
    send(message) {
      const key = message.to.toLowerCase();
      const box = boxes.get(key) ?? [];
      box.push(message);
      if (box.length > perAddress) box.shift();
      boxes.delete(key);
      boxes.set(key, box);
      if (boxes.size > maxAddresses) {
        const oldest = boxes.keys().next().value;
        if (oldest !== undefined) boxes.delete(oldest);
      }
    },
    read: (to) => [...(boxes.get(to.toLowerCase()) ?? [])],
  };
}
