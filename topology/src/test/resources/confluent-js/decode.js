// Decodes one value with Confluent's own JavaScript serdes (@confluentinc/schemaregistry) and prints it as JSON.
// Usage: node decode.js <schema.registry.url> <topic> <file holding the value's bytes>
const fs = require('fs');
const { SchemaRegistryClient, AvroDeserializer, SerdeType } = require('@confluentinc/schemaregistry');

async function main() {
  const [url, topic, file] = process.argv.slice(2);
  const client = new SchemaRegistryClient({ baseURLs: [url] });
  const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
  const value = await deserializer.deserialize(topic, fs.readFileSync(file));
  process.stdout.write(JSON.stringify(value, (k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
