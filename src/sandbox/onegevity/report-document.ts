// The sandbox's lab report document: a one-page PDF naming the report and the order, with made-up results (the
// sandbox has no patients, only synthetic people). Small and valid, so a client can check it is a PDF.

function pdfText(text: string): string {
  return text.replace(/[\\()]/g, (char) => `\\${char}`);
}

export function reportDocument(
  report: { reportIdentifier: string; name: string; releasedAt: string },
  orderIdentifier: string,
): Buffer {
  const lines = [
    report.name,
    `Report ${report.reportIdentifier} for order ${orderIdentifier}`,
    `Released ${report.releasedAt}`,
    'Synthetic results from the Onegevity sandbox: not a medical document.',
  ];
  const stream = `BT /F1 12 Tf 72 720 Td 16 TL ${lines.map((line) => `(${pdfText(line)}) '`).join(' ')} ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
