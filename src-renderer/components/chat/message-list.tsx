/** The messages of the open conversation; follows the newest text while the reader is at the bottom. */
import { useEffect, useLayoutEffect, useRef } from 'react';
import { useApp } from '../../store/app-store.ts';
import { MessageItem } from './message-item.tsx';

export function MessageList() {
  const messages = useApp((s) => s.chat.open?.messages);
  const mode = useApp((s) => s.models.active?.mode ?? null);
  const busy = useApp((s) => s.chat.running !== null);
  const streamedLength = useApp((s) => Object.values(s.chat.streamed).reduce((sum, text) => sum + text.length, 0));
  const lastDrop = useApp((s) => s.chat.lastDrop);
  const scrollRef = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const onScroll = (): void => {
      pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => element.removeEventListener('scroll', onScroll);
  }, []);

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [messages, streamedLength]);

  const lastAssistantIndex = messages ? messages.map((m) => m.role).lastIndexOf('assistant') : -1;
  return (
    <div className="message-scroll" ref={scrollRef} data-testid="message-list">
      <div className="message-column">
        {lastDrop && lastDrop.drop.droppedMessages > 0 ? (
          <div className="notice warning" data-testid="context-drop-notice">
            {lastDrop.drop.droppedMessages} earlier message{lastDrop.drop.droppedMessages > 1 ? 's' : ''} ({lastDrop.drop.droppedTokens} tokens) were left out of
            the prompt to fit the memory budget. They are marked “Not in context”.
          </div>
        ) : null}
        {messages?.map((message, index) => (
          <MessageItem key={message.id} message={message} isLastReply={index === lastAssistantIndex} mode={mode} busy={busy} />
        ))}
      </div>
    </div>
  );
}
