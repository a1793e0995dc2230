// What a wrong link leads to: said plainly, with the way back.
import { A } from '@solidjs/router';

export function NotFound(props: { title: string; children?: string }) {
  return (
    <section class="card">
      <h1>{props.title}</h1>
      <p>{props.children ?? 'Check the link you followed, or ask whoever sent it.'}</p>
      <p>
        <A href="/">Go to the start page</A>
      </p>
    </section>
  );
}
