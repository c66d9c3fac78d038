// Boot: styles, session check, render.
import { render } from 'preact';
import './styles.css';
import { checkSession } from './state/session';
import './state/notify';
import { App } from './views/App';

void checkSession();
render(<App />, document.getElementById('app')!);
