import { isFQDN, isIP, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * The address every app's HTTP server binds to unless HOST says otherwise: loopback, so a laptop does not
 * expose the generator's controls or the metrics to its network. Containers set HOST=0.0.0.0.
 */
export const DEFAULT_HOST = '127.0.0.1';

/** HOST: an IPv4/IPv6 address (0.0.0.0 and :: mean every interface) or a host name such as localhost. */
export function IsListenHost(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isListenHost',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && (isIP(value) || isFQDN(value, { require_tld: false, allow_underscores: false })),
        defaultMessage: () => 'HOST must be an IP address (e.g. 127.0.0.1, 0.0.0.0, ::) or a host name',
      },
    },
    options,
  );
}
