// The produce path of two kafkajs copies (grouping, records, record batch, produce request, framing), interleaved in
// one process on the same 300,000 messages of a typical event: CPU µs per message, and the bytes, which must match.
//   node bench/profile/produce-encoding-ab.cjs <base kafkajs folder> [new kafkajs folder, default node_modules/kafkajs]
// e.g. the patch before a change: git show <commit>:patches/kafkajs+2.2.4.patch, applied to `npm pack kafkajs@2.2.4`.
const { resolve } = require('path');
const roots = { base: resolve(process.argv[2]), new: resolve(process.argv[3] ?? `${__dirname}/../../node_modules/kafkajs`) };
const libs = {};
for (const [name, root] of Object.entries(roots)) {
  libs[name] = {
    produce: require(root + '/src/protocol/requests/produce/v3/request'),
    request: require(root + '/src/protocol/request'),
    group: require(root + '/src/producer/groupMessagesPerPartition'),
  };
}
const ev = JSON.stringify({event_id:'3f1c2a9e-8b7d-4c6e-9a1f-2b3c4d5e6f70',event_type:'page_view',event_time:'2026-12-02T19:30:12.345Z',schema_version:1,user_id:'u_123456',session_id:'5e0c2a9e-8b7d-4c6e-9a1f-2b3c4d5e6f71',device:{type:'mobile',os:'iOS',browser:'Safari'},country:'DE',page:'/products/electronics/123',referrer:'https://www.google.com/search?q=headphones',product:{product_id:'p_00042',name:'Wireless Headphones X',category:'electronics',price_cents:12999,currency:'EUR'}});
const N = 1000, BATCHES = 300;
const msgs = Array.from({ length: N }, (_, i) => ({ key: '5e0c2a9e-8b7d-4c6e-9a1f-2b3c4d5e6f' + String(i % 100).padStart(2, '0'), value: Buffer.from(ev), headers: { 'event-type': 'page_view', 'schema-version': '1' }, partition: i % 3 }));
async function run(lib) {
  let bytes = 0;
  for (let b = 0; b < BATCHES; b++) {
    const grouped = lib.group({ topic: 't', partitionMetadata: [{}], messages: msgs, partitioner: ({ message }) => message.partition });
    const topicData = [{ topic: 'events', partitions: Object.keys(grouped).map((p) => ({ partition: Number(p), firstSequence: 0, messages: grouped[p] })) }];
    const enc = await lib.request({ correlationId: b, clientId: 'generator', request: lib.produce({ acks: -1, timeout: 30000, compression: 0, topicData }) });
    bytes += enc.buffer.length;
  }
  return bytes;
}
(async () => {
  const res = { base: [], new: [] };
  for (let r = 0; r < 12; r++) for (const name of r % 2 ? ['new', 'base'] : ['base', 'new']) {
    const t = process.cpuUsage(); const bytes = await run(libs[name]); const u = process.cpuUsage(t);
    res[name].push((u.user + u.system) / (N * BATCHES));
    if (r === 0) console.log(name, bytes);
  }
  for (const [k, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(k, 'median', v[v.length >> 1].toFixed(2), 'best', v[0].toFixed(2), 'µs/msg'); }
})();
