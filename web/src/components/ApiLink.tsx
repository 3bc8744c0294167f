import { raw, usesMemoryToken } from '../api/client';

/** Opens an API document in a new tab, with the in-memory token if that is how we authenticate. */
export function ApiLink({ href, children, download }: { href: string; children: string; download?: string }) {
  async function open(e: React.MouseEvent) {
    if (!usesMemoryToken()) return;
    e.preventDefault();
    const res = await raw(href);
    const url = URL.createObjectURL(await res.blob());
    if (download) {
      const a = document.createElement('a');
      a.href = url;
      a.download = download;
      a.click();
    } else window.open(url, '_blank', 'noopener');
  }
  return (
    <a href={href} target="_blank" rel="noopener" download={download} onClick={(e) => void open(e)}>
      {children}
    </a>
  );
}
