// Any path the client does not know.
import { NotFound } from '../components/not-found.js';
import { usePageTitle } from '../lib/page-title.js';

export default function NotFoundPage() {
  usePageTitle(() => 'Not found');
  return <NotFound title="This page does not exist" />;
}
