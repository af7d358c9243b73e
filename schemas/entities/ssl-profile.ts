import { attr, defineEntity } from '../entity.js';

export const sslProfile = defineEntity({
  kind: 'sslProfile',
  description: 'TLS material and settings shared by listeners and connectors. Updating it reloads the files.',
  operations: ['CREATE', 'UPDATE', 'DELETE', 'READ'],
  attributes: {
    ciphers: attr.string('OpenSSL cipher list for TLS 1.2 and below.', { access: 'update' }),
    protocols: attr.string('Space-separated TLS protocol versions to allow.', { access: 'update' }),
    caCertFile: attr.path('PEM file of the trusted certificate authorities.', { access: 'update' }),
    certFile: attr.path('PEM file of this side\'s certificate chain.', { access: 'update' }),
    privateKeyFile: attr.path('PEM file of the private key for certFile.', { access: 'update' }),
    password: attr.string('Key password: env:VAR, file:/path, pass:text or literal:text.', {
      access: 'update',
      secret: true,
    }),
    uidFormat: attr.string('Which certificate fields make up a peer\'s user id.'),
    uidNameMappingFile: attr.string('JSON file mapping certificate user ids to names.'),
    ordinal: attr.integer('Revision of the material; raising it rolls connectors to the new certificate.', {
      access: 'update',
    }),
    oldestValidOrdinal: attr.integer('Connections set up with an older ordinal are closed.', { access: 'update' }),
  },
});
