import { Component, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  /** What shows instead of the children once one of them failed to render; `retry` renders them again. */
  fallback: (error: Error, retry: () => void) => ReactNode;
  /**
   * Where the user is: a new value (they went elsewhere) renders the children afresh. Not a `key`,
   * which would remount the screen on every page turned and lose the focus kept on Next.
   */
  resetKey?: string;
}

interface State {
  error: Error | null;
  resetKey?: string;
}

/**
 * A rendering error shows the fallback in place of the children. Without one React unmounts the
 * whole console: a filter with a group inside a group left a blank page, with no sidebar, no way
 * to sign out and no word of what happened. (React logs the error to the browser's console.)
 */
export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.resetKey ? { error: null, resetKey: props.resetKey } : null;
  }

  render() {
    const { error } = this.state;
    return error ? this.props.fallback(error, () => this.setState({ error: null })) : this.props.children;
  }
}
