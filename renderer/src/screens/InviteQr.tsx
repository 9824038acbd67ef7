import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

/**
 * The invite code as a QR code, for a teammate's laptop camera or a printout: drawn as SVG by the
 * qrcode library and shown as an image, so nothing in it can run (the code is ours, but an image
 * is the safe form under the window's CSP either way).
 */
export function InviteQr({ code, label }: { code: string; label: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    void QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then((svg) => {
      if (alive) setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    });
    return () => {
      alive = false;
    };
  }, [code]);
  return src ? <img className="invite-qr" src={src} alt={label} width={220} height={220} /> : null;
}
