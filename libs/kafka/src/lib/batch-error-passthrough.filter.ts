import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a batch handler's error to kafkajs unchanged. Nest's default RPC filter replaces any error that is not an
 * RpcException by `{ status: 'error', message: 'Internal server error' }`; kafkajs then no longer sees that the
 * error was REBALANCE_IN_PROGRESS (from a heartbeat or commit), retries the fetch instead of rejoining, and the
 * group waits the whole rebalance timeout for this member before moving on without it.
 */
@Catch()
export class BatchErrorPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
